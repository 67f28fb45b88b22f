"""
Template tags for the bundle's templates: ``{% t "Text" %}`` translates with the block's translator.

The block puts its translator in the context as ``_translator``; a template rendered without one
(a test, a tool) shows the English text. Output is always escaped: template literals count as
safe in Django, but a translation is text, and some mention markup ("<script>") on purpose.
"""

from django import template
from django.utils.html import escape

register = template.Library()


@register.simple_tag(takes_context=True)
def t(context, message, **params):  # pylint: disable=invalid-name
    translator = context.get("_translator")
    text = translator.gettext(message) if translator else message
    if params:
        text = text.format(**params)
    return escape(text)


@register.simple_tag(takes_context=True)
def tn(context, singular, plural, count, **params):
    translator = context.get("_translator")
    text = translator.ngettext(singular, plural, count) if translator else (singular if count == 1 else plural)
    return escape(text.format(count=count, **params))


@register.filter
def get_item(mapping, key):
    """``labels|get_item:code``: a dictionary lookup by a variable key (the code itself when unknown)."""
    return mapping.get(key, key) if hasattr(mapping, "get") else key
