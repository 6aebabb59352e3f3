"""The decision port: the model asks a role for a choice; a person at a seat or a policy answers."""
