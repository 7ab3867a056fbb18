"""Data: file lists and splits per dataset layout, checks on every input file, MONAI transform chains,
atomic image writers, downloads."""
