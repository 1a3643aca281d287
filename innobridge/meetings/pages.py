"""What the meetings app adds to lower apps' pages (see innobridge.lib.pages): under each matching
suggestion, a button to request a meeting at an open session; on a delegation's page, a link to its
plan (itinerary, travel and meetings)."""

from innobridge.lib.pages import provides_fragment

provides_fragment("matching.suggestion", "meetings/includes_suggestion_button.html")
provides_fragment("programmes.delegation", "meetings/includes_delegation_plan_link.html")
