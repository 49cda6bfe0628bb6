"""The errata of the source documents (``docs/errata.md``): each test shows a seed's statement failing
and the corrected statement holding. They check the documents, not ``--impl``, so they live in the
checkout only and are not part of ``genspec check``."""
