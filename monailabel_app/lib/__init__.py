"""The app's own modules, imported by main.py as ``lib.*`` (MONAI Label puts the app folder on sys.path)."""
