"""
The Skills Labs and eTwinning rules, apart from any runtime: the worksheet's steps and fields, the
Quality Label criteria, the project plan, the programmes' taxonomy, countries. Pure Python (no
XBlock, no Django models), so that the blocks, the mobile API, the plugin and the tests share one
definition. Imports only ``skillslab_xblock.support``.
"""
