"""`N_("...")` marks a message for people that lower floors raise in English and the web layer shows in the
reader's language (it looks the same words up in its catalogue). Lower floors import no translation library."""


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    return message
