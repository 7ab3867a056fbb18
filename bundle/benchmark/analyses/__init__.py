"""The paper's analyses, one per module: prior width, weight transfer, variation of predicted weights, one phi
per level, primary architectures. Each takes finished runs and writes its JSON and figure."""
