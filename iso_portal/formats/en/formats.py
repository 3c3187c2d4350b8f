# The portal's one way of typing a date, in both languages: day/month/year (ISO also accepted, for links and
# scripts). English's default would read 01/02/2010 as 2 January.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
