"""B2B meeting scheduling on OR-Tools CP-SAT, an independent checker and a greedy baseline.

``solver`` schedules one session (the published benchmark's problem); ``lns`` schedules a session
too big for one model (a whole event day) by large-neighbourhood search around CP-SAT; ``event``
generates such events for the benchmark; ``check`` validates any schedule independently;
``diagnostics`` is what they report (codes with arguments, worded by each interface). Plain Python;
never imports Django.
"""
