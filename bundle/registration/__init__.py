"""Unsupervised deformable registration (VoxelMorph style) with the phi-resizable U-Net: SSHN, Fixed,
Stochastic and FiLM predict a displacement field from a moving and a fixed image."""
