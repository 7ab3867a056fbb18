"""The paper's experiments as one resumable benchmark: runs, tables, figures, analyses, report."""
