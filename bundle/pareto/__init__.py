"""The accuracy-versus-cost curve over phi: the sweep, the Pareto frontier and choosing phi."""
