# The bundle's version: the plugin installs etwinning-skillslabs at exactly this version into the
# openedx image (tests/tutor checks that the two agree).
__version__ = "0.1.0"
