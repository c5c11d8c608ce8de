"""The web pages: dashboard, rankings, report cards, cadres, annual results, follow-up, training,
imports and computations. Views only parse input, call a selector or a service and render; reads
live in :mod:`kaohe.web.selectors`, the explanation's subject-scoped adapter in
:mod:`kaohe.web.explanation`. Templates are under ``kaohe/templates/``.
"""
