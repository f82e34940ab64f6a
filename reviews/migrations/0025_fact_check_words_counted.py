"""The words of the fact-checks already stored, counted for BM25 over them: the lexical
candidates of fact-check ranking are the best of `ts_rank`'s first by BM25."""

from django.db import migrations


def words_count(apps, schema_editor):
    from reviews.services.fact_check_grams import fact_check_words_count

    ImportedFactCheck = apps.get_model("reviews", "ImportedFactCheck")
    FactCheckSearch = apps.get_model("reviews", "FactCheckSearch")
    texts = [
        f"{claim} {headline}".strip()
        for claim, headline in ImportedFactCheck.objects.values_list("claim_reviewed", "headline")
    ]
    texts += list(FactCheckSearch.objects.values_list("review_item__claim__text", flat=True))
    for start in range(0, len(texts), 5000):
        fact_check_words_count(added=texts[start : start + 5000])


def words_forget(apps, schema_editor):
    from reviews.services.fact_check_grams import WORD_LENGTH, WORDS_FROM

    FactCheckGram = apps.get_model("reviews", "FactCheckGram")
    FactCheckGram.objects.filter(feature__gte=WORDS_FROM).delete()
    FactCheckGram.objects.filter(feature=WORD_LENGTH).delete()


class Migration(migrations.Migration):
    dependencies = [("reviews", "0024_notes_notifications")]

    operations = [migrations.RunPython(words_count, words_forget)]
