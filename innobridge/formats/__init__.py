"""Date and time formats per language (FORMAT_MODULE_PATH): one style on every page of a language.

English pages read "18 Oct 2023" and "18 Oct 2023, 09:00" (24-hour clock, as in Hong Kong and on
the mainland); Chinese pages "2023年10月18日" and "2023年10月18日 09:00". Short forms are ISO dates,
the same in every language, for tables and exports.
"""
