"""B2B meeting scheduling on OR-Tools CP-SAT, an independent checker and a greedy baseline.

Plain Python; never imports Django.
"""
