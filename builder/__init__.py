"""The handbook builder, one subpackage per capability, imports pointing down only:

``core`` (model, form specs, loading with lines, check) → ``forms``, ``quiz``, ``handbook``,
``site`` → ``web`` → ``cli``. The search engine (the top-level ``search`` package) imports
only ``builder.core``. Nothing is imported here, so ``handbook search`` starts fast."""
