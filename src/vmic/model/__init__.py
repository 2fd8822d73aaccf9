"""The domain model: operating systems, integration services and their states."""
