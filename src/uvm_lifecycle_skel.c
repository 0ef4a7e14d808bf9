/* Temporary: subsystem entry points until their owners land them. */
#include "uvm.h"
#include "uvm_page.h"
#include "uvm_physseg.h"
#include "uvm_object.h"
#include "uvm_anon.h"
#include "uvm_amap.h"
#include "uvm_map.h"
#include "pmap/pmap.h"

int uvm_physseg_init(struct uvm *u) { return 0; }
void uvm_physseg_fini(struct uvm *u) { }
int uvm_page_init(struct uvm *u) { return 0; }
void uvm_page_fini(struct uvm *u) { }
void uvm_page_sanity(struct uvm *u) { }
int pmap_init(struct uvm *u) { return 0; }
void pmap_fini(struct uvm *u) { }
int uvm_obj_state_init(struct uvm *u) { return 0; }
void uvm_obj_state_fini(struct uvm *u) { }
int uvm_anon_init(struct uvm *u) { return 0; }
void uvm_anon_fini(struct uvm *u) { }
int uvm_amap_init(struct uvm *u) { return 0; }
void uvm_amap_fini(struct uvm *u) { }
int uvm_map_init(struct uvm *u) { return 0; }
void uvm_map_fini(struct uvm *u) { }
