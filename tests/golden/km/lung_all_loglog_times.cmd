km --data @DATA@/lung.csv --formula "Surv(time, status) ~ 1" --conf-type log-log --times 1,5,180,1100 --format json
