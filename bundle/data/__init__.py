"""Data: file lists and splits per dataset layout, MONAI transform chains, downloads."""
