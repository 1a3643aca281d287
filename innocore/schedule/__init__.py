"""B2B meeting scheduling on OR-Tools CP-SAT, an independent checker and a greedy baseline.

``solver`` schedules one session (the published benchmark's problem); ``plan`` places requests
across sessions in several cities and days, with travel. Plain Python; never imports Django.
"""
