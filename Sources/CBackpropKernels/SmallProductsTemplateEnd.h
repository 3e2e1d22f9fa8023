// Ends one instantiation of SmallProductsTemplate.h: undefines the names that
// SmallProducts.c defines before including it (the function prefix, the scalar and
// vector types, and the vector operations), so that the next instantiation can define
// them again.  Included once after each include of the template.
#undef BP_NAME
#undef S
#undef V
#undef M
#undef W
#undef ZERO
#undef LOAD
#undef STORE
#undef BCAST
#undef SET1
#undef FMA
#undef MUL
#undef ADD
#undef MASK
#undef LOADM
#undef STOREM
#undef HSUM
