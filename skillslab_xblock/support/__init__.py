"""
What every block stands on, and nothing Skills Labs-specific: the JSON handlers' door and its
refusals, plain-text and number checks, dates in the editor, templates and package files, OLX,
translation, report cells, and the base mixins. Imports neither the blocks nor the domain.
"""
