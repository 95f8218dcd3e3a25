"""The command layer: parses options, calls the library, prints, maps errors to exits."""
