table1 --data @DATA@/lalonde.csv --by race --vars treat,married,age,re78 --categorical treat,married --nonnormal re78 --exact married --format json
