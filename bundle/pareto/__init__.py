"""The accuracy-versus-cost curve over phi: the Pareto frontier of sweep rows, choosing phi, the report and plots."""
