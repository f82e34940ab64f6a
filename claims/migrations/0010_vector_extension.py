"""pgvector, which stores the claims' and fact-checks' embeddings and finds their nearest
neighbours. On PostgreSQL only (the embedded SQLite default compares embeddings in process);
the server must have the extension installed (deploy/ uses an image that has it)."""

from django.db import migrations
from pgvector.django import VectorExtension


class Migration(migrations.Migration):
    dependencies = [("claims", "0009_claim_proposal")]

    operations = [VectorExtension()]
