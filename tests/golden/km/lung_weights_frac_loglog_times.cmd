km --data @TESTS@/golden/data/km_lung_weights.csv --formula "Surv(time, status) ~ sex" --conf-type log-log --times 0,200,500,1500 --weights w_frac --format json
