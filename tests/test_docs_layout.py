"""docs/README.md follows model-zoo's model card layout: its sections in the template's order (others between)."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "docs" / "README.md"
# model-zoo's README template (its CONTRIBUTING guide): the sections every bundle's model card has, in order
TEMPLATE = (
    "Model Overview",
    "Data",
    "Training configuration",
    "Performance",
    "MONAI Bundle Commands",
    "References",
    "License",
)


def test_the_model_card_has_model_zoos_sections_in_order():
    headings = re.findall(r"^## (.+)$", README.read_text(), flags=re.MULTILINE)
    assert all(section in headings for section in TEMPLATE), sorted(set(TEMPLATE) - set(headings))
    positions = [headings.index(section) for section in TEMPLATE]
    assert positions == sorted(positions), headings
