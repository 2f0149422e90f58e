"""Web concerns shared by every app: form helpers, the view pattern that runs an action, the admin
site, home panels, middleware and the ``report`` command dispatcher.

Sits above the domain apps in the layer contract (docs/architecture.md): it may import them; no
domain app imports it except for its form and view helpers, which import nothing from the apps.
"""
