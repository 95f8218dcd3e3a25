"""Pure readers: bytes of a document in, ``ptt.model`` records out."""
