"""The lab's one error type: a message a user can act on."""


class LabError(Exception):
    pass
