"""Import the company's Word and Markdown manuals as draft items, approve them, keep the changelog.

Stages, each a module, imports pointing down only:
``read_docx`` / ``read_markdown`` → ``document`` (blocks) → ``sections`` (a heading tree; typed
numbers parsed by ``numbering``) → ``classify`` (which sections are items, of which kind) →
``to_items`` (the kind's fields) → ``match`` (outline gaps, earlier imports) → ``diff`` →
``plan`` (decide, then write through ``write``) → ``approve`` → ``changelog`` (the 修订记录 and
the editors' work list). The click commands (``handbook import``, ``handbook approve``) live in ``builder.cli.importer``
and only call these functions.
"""
