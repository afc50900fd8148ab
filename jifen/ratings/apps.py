from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "jifen.ratings"
    verbose_name = "年终评定"

    def ready(self) -> None:
        # The approved stars join the year-end sheet and its notice (jifen/periods knows no
        # ratings: the layers), seed001's 得星情况公示.
        from jifen.periods.year_end_sheet import year_column_add  # noqa: PLC0415 (apps ready)
        from jifen.ratings.year_end_stars import STARS_COLUMN  # noqa: PLC0415

        year_column_add(STARS_COLUMN)
