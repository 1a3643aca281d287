"""Links from lower apps' staff pages to the list of records lacking English (innobridge.lib.pages)."""

from innobridge.lib.pages import provides_fragment

provides_fragment("directory.english_names", "front/includes_summaries_link.html")
provides_fragment("matching.record_list", "front/includes_summaries_link.html")
