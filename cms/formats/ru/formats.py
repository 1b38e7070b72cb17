# Russian: a day with its month in the genitive ("30 ноября"); a month and its year ("ноябрь 2026"). Django's own
# Russian formats give the decimal comma.
MONTH_DAY_FORMAT = "j E"
YEAR_MONTH_FORMAT = "F Y"
