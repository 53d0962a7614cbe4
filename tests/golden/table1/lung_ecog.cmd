table1 --data @DATA@/lung.csv --by ph.ecog --vars age,sex,wt.loss,status --categorical sex,status --nonnormal wt.loss --exact sex --format json
