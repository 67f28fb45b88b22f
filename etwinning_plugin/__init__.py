"""eTwinning Skills Labs plugin app for the Open edX LMS and Studio."""

__version__ = "0.1.0"
