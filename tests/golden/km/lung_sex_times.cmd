km --data @DATA@/lung.csv --formula "Surv(time, status) ~ sex" --times -5,0,5,100,365,730,1000,1022,2000 --format json
