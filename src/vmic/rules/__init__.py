"""The rules engine: the update matrix, update plans and the both-sides enablement model."""
