/* libdune/dune.h: where Dune's programs include the API from */
#include "../dune.h"
