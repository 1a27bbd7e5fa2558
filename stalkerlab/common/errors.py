"""The one exception type that the command line turns into a one-line message and exit code 2."""


class UserError(Exception):
    """Bad input from the person running a command: a file, an id, an option.

    The message must name the file or value and say what is wrong with it, in one line.
    """
