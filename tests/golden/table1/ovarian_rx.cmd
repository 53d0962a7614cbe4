table1 --data @DATA@/ovarian.csv --by rx --vars age,resid.ds,ecog.ps,futime,fustat --categorical resid.ds,ecog.ps,fustat --nonnormal futime --exact ecog.ps --format json
