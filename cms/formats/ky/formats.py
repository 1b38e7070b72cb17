# Kyrgyz: a day and its month joined by a hyphen, the month in lower case ("30-ноябрь"); a month and its year
# ("ноябрь 2026"); a decimal comma ("4,25"). Month names come from the catalogue (locale/vendor/ky).
DATE_FORMAT = "j-F Y ж."
DATETIME_FORMAT = "j-F Y ж., G:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j-F"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # non-breaking space
