"""Where the bundle's own folders are: the repository root (the MONAI bundle's root), its configs and weights."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "configs"
MODELS = ROOT / "models"
