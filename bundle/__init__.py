"""Scale-Space HyperNetworks (SSHN) for medical imaging, as a MONAI bundle."""
