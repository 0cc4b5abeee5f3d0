/* both halves - the process-wide state of dune mode (state.h). */
#include "common/state.h"

struct dune_state dune_state;
__thread struct dune_percpu *dune_self;
__thread int dune_guest_mode;
