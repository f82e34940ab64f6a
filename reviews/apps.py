from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Review desk"

    def ready(self) -> None:
        from claims.evaluation.targets import evaluation_target_register
        from claims.signals import claims_stored
        from reviews.evaluation import MATCHING
        from reviews.signals import claims_stored_queue

        claims_stored.connect(claims_stored_queue, dispatch_uid="reviews.claims_stored_queue")
        evaluation_target_register(MATCHING)
