"""CloudRoute Desk: the CloudRoute admins' desktop app."""

__version__ = "0.1.0"
