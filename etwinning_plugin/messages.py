"""The plugin's edx-ace message types (templates in templates/etwinning_plugin/edx_ace/<name>/email/)."""

from edx_ace.message import MessageType


class PartnershipNotice(MessageType):
    """An invitation received, accepted or declined (``context["kind"]``)."""

    APP_LABEL = "etwinning_plugin"
    NAME = "partnershipnotice"
