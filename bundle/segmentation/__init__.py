"""Segmentation with the phi-resizable U-Net: Dice per phi during training and after it, the phi sweep, how a
deployed network runs on an image, the shipped network of a dataset and the folder run."""
